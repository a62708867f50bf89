/**
 * The Engine API's Exec tag: {@code POST /containers/{id}/exec}, {@code POST /exec/{id}/start}
 * (hijacked like attach, with stdcopy frames when there is no terminal), {@code POST
 * /exec/{id}/resize} and {@code GET /exec/{id}/json}, served through {@link
 * dev.berth.daemon.api.exec.ExecBackend}.
 */
package dev.berth.daemon.api.exec;
