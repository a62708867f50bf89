package dev.berth.daemon.api.image;

import java.util.List;

/**
 * The query of {@code POST /images/create?fromSrc=-}: the name to give the image (empty
 * {@code repo}: none), the history message, the Dockerfile instructions of {@code --change}, and
 * the platform ({@code os[/arch[/variant]]}, empty for the host's).
 */
public record ImportRequest(String repo, String tag, String message, List<String> changes, String platform) {
    public ImportRequest {
        changes = List.copyOf(changes);
    }
}
