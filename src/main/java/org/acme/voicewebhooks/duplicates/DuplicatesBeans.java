package org.acme.voicewebhooks.duplicates;

import java.time.Duration;
import java.util.Optional;

import javax.sql.DataSource;

import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.settings.InvalidSettingException;
import org.acme.voicewebhooks.settings.Settings;
import org.acme.voicewebhooks.webhook.Budget;
import org.apache.camel.BeanInject;
import org.acme.voicewebhooks.settings.BeansSupport;
import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;
import org.apache.camel.Expression;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.Registry;

/** The duplicate window: this instance's, and with DUPLICATES_STORE=postgres one for every instance. */
@Configuration
public class DuplicatesBeans extends BeansSupport {

    /** This instance's window, and with DUPLICATES_STORE=postgres the one all instances share. */
    @BindToRegistry
    public DuplicateGuard duplicateGuard(Settings settings, Registry registry, Budget budget, WebhookMetrics metrics,
            @BeanInject("sharedPrefix") String prefix) {
        return once("duplicateGuard", () -> {
            PostgresDeliveryWindow shared = PostgresDeliveryWindow.from(settings,
                    Optional.ofNullable(registry.lookupByNameAndType("webhooksDataSource", DataSource.class)), prefix,
                    budget.budgetMs(), metrics).orElse(null);
            return new DuplicateGuard(
                    Duration.ofSeconds(settings.number("duplicates.window-seconds", 1, 86_400)),
                    settings.number("duplicates.capacity", 1, 10_000_000),
                    (int) settings.number("duplicates.max-waiters", 0, 1_000),
                    sharedRepository(settings, registry), shared, budget, settings.text("asr.delivery-id-header"), metrics);
        });
    }

    /** The ASR delivery's key: the caller's delivery id, else a hash of the body. */
    @BindToRegistry
    public Expression asrDuplicateKey(Settings settings, Registry registry, Budget budget, WebhookMetrics metrics,
            @BeanInject("sharedPrefix") String prefix) {
        return once("asrDuplicateKey", () -> duplicateGuard(settings, registry, budget, metrics, prefix).asrKey());
    }

    /** The shared Camel idempotent repository named by duplicates.repository, if any (several instances). */
    private static IdempotentRepository sharedRepository(Settings settings, Registry registry) {
        return settings.optional("duplicates.repository").map(name -> settings.check(() -> {
            IdempotentRepository repository = registry.lookupByNameAndType(name, IdempotentRepository.class);
            if (repository == null) {
                throw new InvalidSettingException("duplicates.repository names no IdempotentRepository bean: '" + name + "'");
            }
            return repository;
        }, null)).orElse(null);
    }
}
