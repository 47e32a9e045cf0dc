package dev.tocsin.common;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;
import java.util.Map;

/** Notification deadlines counted from an incident's discovery (tocsin.deadlines.{name}={duration}). */
@ConfigMapping(prefix = "tocsin")
public interface DeadlineConfig {

    Map<String, Duration> deadlines();
}
