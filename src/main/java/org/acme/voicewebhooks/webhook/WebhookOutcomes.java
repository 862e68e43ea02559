package org.acme.voicewebhooks.webhook;

import org.acme.voicewebhooks.observe.WebhookMetrics;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One log line and one count per answered webhook, whatever way it ended; logged after the answer is written. */
public final class WebhookOutcomes extends EventNotifierSupport {

    /** Set by whatever decided a webhook's outcome other than by its status, e.g. "duplicate". */
    public static final String OUTCOME = "webhookOutcome";
    /** A barge-in's verdict (genuine, backchannel, ...), counted per webhook outcome. */
    public static final String VERDICT = "verdict";
    /** The error text of a failed webhook's answer. */
    public static final String ERROR = "webhookError";
    private static final Logger LOG = LoggerFactory.getLogger("webhook-outcomes");
    private static final Set<String> WEBHOOKS = Set.of("barge-in-webhook", "asr-confidence-webhook");
    /** A barge-in state that was not reset starts so, whatever the reason (low_confidence, backchannel, ...). */
    private static final String IGNORED = "{\"action\":\"ignored\",";
    private static final String ROUTED = "{\"message\":\"low_confidence_routed\"}";

    private final WebhookMetrics metrics;

    public WebhookOutcomes(WebhookMetrics metrics) {
        this.metrics = metrics;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((ExchangeEvent) event).getExchange();
        String webhook = exchange.getFromRouteId();
        // the wiretapped copy for the acoustic record is fire-and-forget (InOnly): not an outcome of its own
        if (!WEBHOOKS.contains(webhook) || exchange.getPattern() != ExchangePattern.InOut) {
            return;
        }
        int status = exchange.getException() != null ? 500
                : exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
        String outcome = outcome(exchange, webhook, status);
        long ms = System.currentTimeMillis() - exchange.getClock().getCreated();
        metrics.webhook(webhook, outcome, status, ms);
        String verdict = exchange.getProperty(VERDICT, String.class);
        if (verdict != null && webhook.equals("barge-in-webhook")) {
            metrics.bargeInInterrupt(verdict);
        }

        WebhookEvent payload = exchange.getProperty(WebhookEvent.PROPERTY, WebhookEvent.class);
        String session = payload == null ? "-" : payload.logId();
        String error = exchange.getProperty(ERROR, String.class);
        String line = "{} {} status={} session={} correlationId={} ms={}" + (error == null ? "" : " error=" + LogSafe.quote(error));
        if (status >= 500) {
            LOG.warn(line, webhook, outcome, status, session, exchange.getExchangeId(), ms);
        } else {
            LOG.info(line, webhook, outcome, status, session, exchange.getExchangeId(), ms);
        }
    }

    private static String outcome(Exchange exchange, String webhook, int status) {
        String decided = exchange.getProperty(OUTCOME, String.class);
        if (decided != null) {
            return decided;
        }
        if (status >= 500) {
            return "failed";
        }
        if (status >= 400) {
            return "rejected";
        }
        if (webhook.equals("barge-in-webhook")) {
            String state = exchange.getProperty("state", String.class);
            return state != null && state.startsWith(IGNORED) ? "ignored" : "processed";
        }
        return ROUTED.equals(JsonAnswerProcessor.text(exchange.getMessage())) ? "low_confidence_routed" : "passed_through";
    }
}
