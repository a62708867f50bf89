package dev.berth.daemon.http;

import java.util.List;

/**
 * The routes of one API tag (System, Image, Container, ...), as moby groups them: each tag's
 * package has a narrow backend interface and one route table over it.
 */
public interface RouteTable {
    List<Route> routes();
}
