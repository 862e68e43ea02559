package org.acme.voicewebhooks.observe;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.apache.camel.CamelContext;

/** The service's own figures, next to Camel's in /observe/metrics (a no-op when metrics are off). */
public final class WebhookMetrics {

    private final CamelContext context;
    private volatile MeterRegistry registry;

    public WebhookMetrics(CamelContext context) {
        this.context = context;
    }

    /** The registry Camel's metrics set up at start-up, found on first use. */
    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null) {
            r = context.getRegistry().findSingleByType(MeterRegistry.class);
            registry = r = r != null ? r : new CompositeMeterRegistry();
        }
        return r;
    }

    public void webhook(String webhook, String outcome, int status, long ms) {
        registry().counter("webhooks", "webhook", webhook, "outcome", outcome, "status", String.valueOf(status)).increment();
        registry().timer("webhooks.answer", "webhook", webhook).record(ms, TimeUnit.MILLISECONDS);
    }

    public void cognigyCall(String endpoint, String status, Duration took) {
        Timer.builder("cognigy.calls").tags("endpoint", endpoint, "status", status)
                .publishPercentileHistogram()
                .register(registry()).record(took);
    }

    /** A barge-in judged: genuine, backchannel, too_short, protected_prompt or low_confidence. */
    public void bargeInInterrupt(String verdict) {
        registry().counter("bargein.interrupts", "verdict", verdict).increment();
    }

    /** From a barge-in's arrival to Cognigy's acknowledgement of the stop-TTS command. */
    public void bargeInStop(long ms) {
        Timer.builder("bargein.stop").publishPercentileHistogram()
                .register(registry()).record(ms, TimeUnit.MILLISECONDS);
    }

    public void retry(String endpoint) {
        registry().counter("cognigy.retries", "endpoint", endpoint).increment();
    }

    public void login(String outcome) {
        registry().counter("cognigy.logins", "outcome", outcome).increment();
    }

    /** A Cognigy request's token: {@code outcome} granted, waited (granted after a wait) or refused (not sent). */
    public void rateLimit(String outcome, String priority) {
        registry().counter("cognigy.rate.limited", "outcome", outcome, "priority", priority).increment();
    }

    /** The shared rate-limit bucket could not be reached; this instance's share decided instead. */
    public void rateLimitStoreFailure() {
        registry().counter("cognigy.rate.limit.store.failures").increment();
    }

    public void acousticRecords(int records, long bytes) {
        registry().counter("acoustic.records").increment(records);
        registry().counter("acoustic.record.bytes").increment(bytes);
    }

    /** Records that could not be written, after the retries. */
    public void acousticRecordsLost(int records) {
        registry().counter("acoustic.records.lost").increment(records);
    }

    /** Records a shared store (RabbitMQ) did not take; they were written to this instance's files instead. */
    public void acousticRecordsSpilled(int records) {
        registry().counter("acoustic.records.spilled").increment(records);
    }

    /** A dead letter the RabbitMQ queue did not confirm, left to the file store. */
    public void deadLetterFallback() {
        registry().counter("webhooks.dead.letters.fallback").increment();
    }

    public void duplicateSuppressed(String webhook) {
        registry().counter("webhooks.duplicates.suppressed", "webhook", String.valueOf(webhook)).increment();
    }

    /** The shared duplicate store failed on {@code operation} ("add", "remove"); the local window decided instead. */
    public void duplicateStoreFailure(String operation) {
        registry().counter("webhooks.duplicates.store.failures", "operation", operation).increment();
    }

    /** A low-confidence utterance that got a clarification (counted in its session's window). */
    public void asrClarification() {
        registry().counter("asr.clarifications").increment();
    }

    /** A low-confidence utterance sent to asr.escalation-node: its session had its clarifications. */
    public void asrEscalation() {
        registry().counter("asr.escalations").increment();
    }

    /** An utterance the shadow threshold would have decided the other way. */
    public void asrShadowDisagreement() {
        registry().counter("asr.shadow.disagreements").increment();
    }

    /** The shared clarification count failed on {@code operation}; this instance's count decided instead. */
    public void clarificationStoreFailure(String operation) {
        registry().counter("asr.clarifications.store.failures", "operation", operation).increment();
    }
}
