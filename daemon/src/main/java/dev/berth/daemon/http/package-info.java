/**
 * The Engine API's HTTP layer, knowing nothing of Docker's objects: the server
 * ({@link dev.berth.daemon.http.HttpServer}), routing with the {@code /vX.Y} prefix and version
 * checks ({@link dev.berth.daemon.http.Router}, {@link dev.berth.daemon.http.ApiVersion}), the one
 * error convention ({@link dev.berth.daemon.http.ApiException} with an
 * {@link dev.berth.daemon.http.ErrorKind}, turned into a status by
 * {@link dev.berth.daemon.http.ErrorResponses}) and the streams handlers use.
 *
 * <p>A request's life:
 * <pre>
 *  event loop                                   worker (virtual thread)
 *  ──────────                                   ───────────────────────
 *  head decoded ─▶ route + exchange ──────────▶ version check, handler(request, response)
 *  body chunks  ─▶ InboundStream (≤ 1 MB, then      reads request.body() as a stream
 *                  the socket is not read)
 *  last chunk   ─▶ hijacking route? decoder out     response.json / stream / jsonLines / hijack
 *                                                  ChannelOutput: waits while the socket is full
 *  exchange done ◀──────────────────────────────── returns (or throws: one error body)
 *  keep-alive: next request; else close
 * </pre>
 * Handlers block freely; nothing blocks the event loop. A client that goes away cancels its
 * request cooperatively ({@link dev.berth.daemon.http.Request#onCancel}).
 */
package dev.berth.daemon.http;
