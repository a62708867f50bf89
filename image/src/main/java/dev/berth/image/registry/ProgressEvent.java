package dev.berth.image.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * One progress message of a pull or push, shaped as dockerd streams them to the docker CLI
 * (moby's {@code jsonmessage.JSONMessage}), so the daemon serializes it as is, one JSON object
 * per line:
 *
 * <pre>
 * {"status":"latest: Pulling from library/busybox"}                   (status only)
 * {"status":"Pulling fs layer","progressDetail":{},"id":"a3ed95caeb02"} (a layer's state)
 * {"status":"Downloading","progressDetail":{"current":1024,"total":4096},
 *  "progress":"[============&gt;      ]  1.024kB/4.096kB","id":"a3ed95caeb02"}
 * {"progressDetail":{},"aux":{"Tag":"latest","Digest":"sha256:…","Size":527}}
 * </pre>
 *
 * The CLI draws one line per {@code id} and moves it as new events for that id arrive; events
 * without an id are printed as they come. {@code progress} is the bar that the CLI prints when
 * its output is not a terminal.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProgressEvent(String status, ProgressDetail progressDetail, String progress, String id, PushAux aux) {

    // Docker's words, in the order a pull or push shows them.
    public static final String PULLING_FS_LAYER = "Pulling fs layer";
    public static final String ALREADY_EXISTS = "Already exists";
    public static final String WAITING = "Waiting";
    public static final String DOWNLOADING = "Downloading";
    public static final String VERIFYING_CHECKSUM = "Verifying Checksum";
    public static final String DOWNLOAD_COMPLETE = "Download complete";
    public static final String EXTRACTING = "Extracting";
    public static final String PULL_COMPLETE = "Pull complete";
    public static final String PREPARING = "Preparing";
    public static final String PUSHING = "Pushing";
    public static final String PUSHED = "Pushed";
    public static final String LAYER_ALREADY_EXISTS = "Layer already exists";
    public static final String MOUNTED_FROM = "Mounted from ";

    /** {@code {"current":N,"total":M}}, or {@code {}} for a state without a count. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProgressDetail(Long current, Long total) {
        public static final ProgressDetail NONE = new ProgressDetail(null, null);
    }

    /** The push result the docker CLI reads from the stream ({@code docker push} prints it; tools parse it). */
    public record PushAux(@JsonProperty("Tag") String tag, @JsonProperty("Digest") String digest,
            @JsonProperty("Size") long size) {}

    /** A message without an id: {@code Digest: sha256:…}. */
    public static ProgressEvent message(String status) {
        return new ProgressEvent(status, null, null, null, null);
    }

    /** A message with an id but no progress detail: {@code latest: Pulling from library/busybox}. */
    public static ProgressEvent message(String id, String status) {
        return new ProgressEvent(status, null, null, id, null);
    }

    /** A layer's new state: {@code Pulling fs layer}, {@code Pushed}. */
    public static ProgressEvent layer(String id, String status) {
        return new ProgressEvent(status, ProgressDetail.NONE, null, id, null);
    }

    /** Bytes moved so far for a layer: {@code Downloading}, {@code Pushing}, {@code Extracting}. */
    public static ProgressEvent progress(String id, String status, long current, long total) {
        return new ProgressEvent(status, new ProgressDetail(current, total), bar(current, total), id, null);
    }

    /** The final event of a push, with its {@code aux} result. */
    public static ProgressEvent pushResult(String tag, String digest, long size) {
        return new ProgressEvent(null, ProgressDetail.NONE, null, null, new PushAux(tag, digest, size));
    }

    /** {@code Status: Downloaded newer image for busybox:latest}: the caller sends it once the image is stored. */
    public static ProgressEvent downloadedNewer(String familiarReference) {
        return message("Status: Downloaded newer image for " + familiarReference);
    }

    /** {@code Status: Image is up to date for busybox:latest}: the tag already named this image. */
    public static ProgressEvent upToDate(String familiarReference) {
        return message("Status: Image is up to date for " + familiarReference);
    }

    /** Docker's bar, {@code [=====>      ]  1.2MB/4.5MB} (moby's {@code JSONProgress.String}), sizes in decimal units. */
    static String bar(long current, long total) {
        if (total <= 0) {
            return String.format(Locale.ROOT, "%8s", humanSize(current));
        }
        int filled = (int) Math.min(50, current * 100 / total / 2);
        return "[" + "=".repeat(filled) + ">" + " ".repeat(50 - filled) + "] "
                + String.format(Locale.ROOT, "%8s", humanSize(current)) + "/" + humanSize(total);
    }

    /** go-units' HumanSize: 4 significant digits, decimal units (kB, MB, GB). */
    static String humanSize(long bytes) {
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
        double size = bytes;
        int unit = 0;
        while (size >= 1000 && unit < units.length - 1) {
            size /= 1000;
            unit++;
        }
        String number = String.format(Locale.ROOT, "%.4g", size);
        if (number.contains(".")) {
            number = number.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return number + units[unit];
    }
}
