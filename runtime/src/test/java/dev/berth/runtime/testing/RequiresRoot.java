package dev.berth.runtime.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test that needs root and the real kernel (namespaces, cgroups, mounts). As non-root it
 * is skipped with a reason, except under {@code scripts/test} ({@code -Dberth.requireRoot=true}),
 * where a root test that cannot run is a failure, never a silent skip.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("root")
@ExtendWith(RootCondition.class)
public @interface RequiresRoot {}
