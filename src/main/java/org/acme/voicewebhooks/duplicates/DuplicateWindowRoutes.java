package org.acme.voicewebhooks.duplicates;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/** Deletes the shared duplicate window's expired rows, when the window is shared in PostgreSQL. */
public final class DuplicateWindowRoutes extends RouteBuilder {

    @Override
    public void configure() {
        DuplicateGuard guard = getContext().getRegistry().lookupByNameAndType("duplicateGuard", DuplicateGuard.class);
        long cleanupMs = getContext().getPropertiesComponent().resolveProperty("duplicates.store-cleanup-ms")
                .map(Long::parseLong).orElse(60_000L);
        from("timer:duplicates-cleanup?period=" + cleanupMs + "&delay=" + cleanupMs)
                .routeId("duplicates-cleanup")
                .description("Delete the rows of the shared duplicate window past their expiry (PostgreSQL down: "
                        + "counted and tried again next time)")
                .process(exchange -> exchange.getMessage().setBody(guard.removeExpiredShared()))
                .filter(simple("${body} > 0"))
                    .log(LoggingLevel.DEBUG, "duplicates: ${body} expired rows deleted from the shared window");
    }
}
