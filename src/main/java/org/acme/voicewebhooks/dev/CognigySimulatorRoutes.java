package org.acme.voicewebhooks.dev;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.BeanInject;
import org.apache.camel.Exchange;
import org.apache.camel.PropertyInject;
import org.apache.camel.builder.RouteBuilder;

/** A built-in stand-in for the Cognigy endpoints the service calls, with their documented answers (dev profile only). */
public final class CognigySimulatorRoutes extends RouteBuilder {

    public static final String PREFIX = "/cognigy-sim";
    /** Sessions whose id starts so are gone: the README's dead-letter and replay examples need a command Cognigy refuses. */
    static final String ENDED_SESSIONS = "sess_ended";
    static final String TOKEN = "simulated-token";

    @PropertyInject(value = "cognigy.simulator.enabled", defaultValue = "false")
    private boolean enabled;
    @BeanInject
    private ObjectMapper jsonMapper;

    private final Clock clock = Clock.systemUTC();

    @Override
    public void configure() {
        if (!enabled) {
            return;
        }
        from("platform-http:" + PREFIX + "/api/v1/auth/login?httpMethodRestrict=POST").routeId("cognigy-sim-login")
                .description("Simulated Cognigy login: a bearer token valid for an hour")
                .process(exchange -> answer(exchange, 200,
                        jsonMapper.createObjectNode().put("accessToken", TOKEN).put("expiresIn", 3600), false));

        from("platform-http:" + PREFIX + "/api/v1/sessions/{sessionId}/voice/commands?httpMethodRestrict=POST")
                .routeId("cognigy-sim-voice-commands")
                .description("Simulated Cognigy voice command: the stop is executed")
                .process(exchange -> answer(exchange, 200, jsonMapper.createObjectNode()
                        .put("success", true)
                        .put("sessionId", exchange.getMessage().getHeader("sessionId", String.class))
                        .put("commandExecuted", "stop")
                        .put("timestamp", clock.millis()), true));

        from("platform-http:" + PREFIX + "/api/v1/sessions/{sessionId}/variables?httpMethodRestrict=POST")
                .routeId("cognigy-sim-variables")
                .description("Simulated Cognigy session variables: all variables updated")
                .process(exchange -> answer(exchange, 200, jsonMapper.createObjectNode()
                        .put("sessionId", exchange.getMessage().getHeader("sessionId", String.class))
                        .put("updatedVariables", jsonMapper.readTree(exchange.getMessage().getBody(String.class))
                                .path("variables").size())
                        .put("timestamp", clock.millis()), true));

        from("platform-http:" + PREFIX + "/api/v1/flows/{flowId}/sessions/{sessionId}/messages?httpMethodRestrict=POST")
                .routeId("cognigy-sim-messages")
                .description("Simulated Cognigy message injection: the message is accepted")
                .process(exchange -> answer(exchange, 201, jsonMapper.createObjectNode()
                        .put("success", true)
                        .put("flowId", exchange.getMessage().getHeader("flowId", String.class))
                        .put("sessionId", exchange.getMessage().getHeader("sessionId", String.class)), true));
    }

    /**
     * Answers like Cognigy: 401 for a protected endpoint called without its bearer token or API key, 404 for a session
     * that has ended.
     */
    private void answer(Exchange exchange, int status, ObjectNode body, boolean protectedEndpoint) {
        String auth = exchange.getMessage().getHeader("Authorization", String.class);
        String apiKey = exchange.getMessage().getHeader("X-Cognigy-API-Key", String.class);
        String sessionId = exchange.getMessage().getHeader("sessionId", String.class);
        boolean authorised = !protectedEndpoint || ("Bearer " + TOKEN).equals(auth) || apiKey != null && !apiKey.isEmpty();
        boolean ended = sessionId != null && sessionId.startsWith(ENDED_SESSIONS);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (!authorised) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 401);
            exchange.getMessage().setBody("{\"error\":\"Unauthorized\"}");
        } else if (ended) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            exchange.getMessage().setBody("{\"error\":\"Session not found\"}");
        } else {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
            exchange.getMessage().setBody(body.toString());
        }
    }
}
