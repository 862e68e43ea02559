package org.acme.voicewebhooks.duplicates;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/** Deletes the shared duplicate window's expired rows, when the window is shared in PostgreSQL. */
public final class DuplicateWindowRoutes extends RouteBuilder {

    @Override
    public void configure() {
        PostgresDeliveryWindow window = getContext().getRegistry()
                .lookupByNameAndType("postgresDeliveryWindow", PostgresDeliveryWindow.class);
        if (window == null) {
            return;
        }
        from("timer:duplicates-cleanup?period=" + window.cleanupMs() + "&delay=" + window.cleanupMs())
                .routeId("duplicates-cleanup")
                .description("Delete the rows of the shared duplicate window past their expiry (PostgreSQL down: "
                        + "counted and tried again next time)")
                .process(exchange -> exchange.getMessage().setBody(window.removeExpired()))
                .filter(simple("${body} > 0"))
                    .log(LoggingLevel.DEBUG, "duplicates: ${body} expired rows deleted from " + window.table());
    }
}
