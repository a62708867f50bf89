package dev.berth.daemon.container;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One host side of a published port ({@code HostConfig.PortBindings["80/tcp"][i]}): an empty host port means any. */
public record PortBinding(@JsonProperty("HostIp") String hostIp, @JsonProperty("HostPort") String hostPort) {}
