package org.acme.voicewebhooks.cognigy;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import org.apache.camel.BeanInject;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/** The Cognigy calls: login, and one authenticated JSON POST that every command goes through. */
public final class CognigyClientRoutes extends RouteBuilder {

    public static final String LOGIN = "direct:cognigy-login";
    /**
     * Posts the body as JSON to the path in exchange property {@link #PATH}; the body becomes Cognigy's compact JSON
     * answer, or, once the retries are spent, the webhook's error answer with the exchange marked as handled.
     */
    public static final String CALL = "direct:cognigy-call";
    public static final String PATH = "cognigyPath";
    /** How {@link #CALL} authenticates: a bearer token from the token processor unless this property is {@link #API_KEY}. */
    public static final String AUTH = "cognigyAuth";
    public static final String API_KEY = "api-key";
    static final String API_KEY_HEADER = "X-Cognigy-API-Key";

    @BeanInject
    private CognigySettings settings;
    @BeanInject
    private ObjectMapper jsonMapper;
    @BeanInject
    private AccessTokenProcessor accessTokenProcessor;

    @Override
    public void configure() {
        String loginBody = jsonMapper.createObjectNode()
                .put("clientId", settings.clientId())
                .put("clientSecret", settings.clientSecret())
                .toString();

        from(LOGIN).routeId("cognigy-login").routeConfigurationId(CognigyRedelivery.LOGIN_RETRY)
                .description("Exchange the client credentials for a bearer token")
                .removeHeaders("*")
                .setHeader(Exchange.HTTP_METHOD, constant("POST"))
                .setHeader(Exchange.HTTP_PATH, constant(settings.loginPath()))
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .setBody(constant(loginBody))
                .to(settings.baseUrl()).id("call-cognigy-login")
                .convertBodyTo(String.class);

        from(CALL).routeId("cognigy-call")
                .routeConfigurationId(CognigyRedelivery.COMMAND_RETRY)
                .description("POST one command to Cognigy with a bearer token or the API key; inbound headers never reach Cognigy")
                .removeHeaders("*")
                .removeProperty(CognigyRedelivery.TOKEN_REFRESHED)
                .setHeader(Exchange.HTTP_METHOD, constant("POST"))
                .setHeader(Exchange.HTTP_PATH, exchangeProperty(PATH))
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .choice()
                    .when(exchangeProperty(AUTH).isEqualTo(API_KEY))
                        .setHeader(API_KEY_HEADER, constant(settings.apiKey()))
                    .otherwise()
                        .process(accessTokenProcessor)
                .end()
                .to(settings.baseUrl()).id("call-cognigy")
                .process(this::compactAnswer)
                .removeHeaders("*");
    }

    /** Cognigy's answer as compact JSON to embed in ours: empty is null, non-JSON text becomes a JSON string. */
    private void compactAnswer(Exchange exchange) throws IOException {
        String body = exchange.getMessage().getBody(String.class);
        if (body == null || body.isBlank()) {
            exchange.getMessage().setBody("null");
            return;
        }
        try {
            exchange.getMessage().setBody(jsonMapper.readTree(body).toString());
        } catch (JsonProcessingException notJson) {
            exchange.getMessage().setBody(TextNode.valueOf(body).toString());
        }
    }
}
