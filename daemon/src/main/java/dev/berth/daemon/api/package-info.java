/**
 * The Docker Engine API, one package per API tag ({@code system}, later {@code image},
 * {@code container}, ...). Each tag's package has a narrow backend interface, the records of its
 * answers and one route table; handlers translate their backend's failures into
 * {@link dev.berth.daemon.http.ApiException}s. What several tags share (the {@code filters}
 * parameter) lives here.
 */
package dev.berth.daemon.api;
