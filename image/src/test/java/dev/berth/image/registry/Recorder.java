package dev.berth.image.registry;

import dev.berth.image.ImageException;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records progress events and what a layer listener received, for assertions. */
final class Recorder implements ProgressListener, LayerListener {
    final List<ProgressEvent> events = new CopyOnWriteArrayList<>();
    final Map<Digest, byte[]> layers = new ConcurrentHashMap<>();
    final Map<Digest, Integer> indexes = new ConcurrentHashMap<>();
    final Map<Digest, Exception> failures = new ConcurrentHashMap<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void onProgress(ProgressEvent event) {
        events.add(event);
    }

    @Override
    public void layer(int index, Descriptor layer, InputStream blob) throws ImageException {
        threads.add(Thread.currentThread().toString());
        indexes.put(layer.digest(), index);
        try {
            layers.put(layer.digest(), blob.readAllBytes());
        } catch (Exception e) {
            failures.put(layer.digest(), e);
        }
    }

    /** The events as the docker CLI prints them without a terminal, progress bars left out. */
    List<String> lines() {
        return events.stream()
                .filter(e -> e.status() != null)
                .filter(e -> !e.status().equals(ProgressEvent.DOWNLOADING) && !e.status().equals(ProgressEvent.PUSHING))
                .map(e -> e.id() == null ? e.status() : e.id() + ": " + e.status())
                .toList();
    }

    List<ProgressEvent> withStatus(String status) {
        return events.stream().filter(e -> status.equals(e.status())).toList();
    }
}
