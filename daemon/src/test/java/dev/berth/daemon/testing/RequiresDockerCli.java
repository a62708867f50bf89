package dev.berth.daemon.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test that drives the real docker CLI ({@code docker} on PATH or
 * {@code /usr/local/bin/docker}). Without it the test is skipped with a reason, except under
 * {@code scripts/test} ({@code -Dberth.requireRoot=true} or {@code BERTH_REQUIRE_ROOT=1}), where a
 * missing client is a failure, never a silent skip.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("docker-cli")
@ExtendWith(DockerCliCondition.class)
public @interface RequiresDockerCli {}
