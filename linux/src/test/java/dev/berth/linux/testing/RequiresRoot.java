package dev.berth.linux.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test that needs root (mounts, namespaces, cgroups, mknod, trusted xattrs, chown). As non-root it is skipped
 * with a reason, except with {@code -Dberth.requireRoot=true} or {@code BERTH_REQUIRE_ROOT=1}
 * (scripts/test), where a root test that cannot run fails instead of passing silently.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("root")
@ExtendWith(RootCondition.class)
public @interface RequiresRoot {}
