package dev.berth.daemon.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test that needs root itself, beyond what berthd needs: it mounts (a small tmpfs to
 * fill, a read-only bind) or makes files immutable. As non-root it is skipped with a reason,
 * except under {@code scripts/test} ({@code -Dberth.requireRoot=true} or
 * {@code BERTH_REQUIRE_ROOT=1}), where a root test that cannot run fails.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("root")
@ExtendWith(RootCondition.class)
public @interface RequiresRoot {}
