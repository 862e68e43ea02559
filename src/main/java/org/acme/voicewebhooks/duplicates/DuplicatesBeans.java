package org.acme.voicewebhooks.duplicates;

import java.time.Duration;
import java.util.Optional;

import javax.sql.DataSource;

import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.settings.InvalidSettingException;
import org.acme.voicewebhooks.settings.Settings;
import org.acme.voicewebhooks.webhook.Budget;
import org.acme.voicewebhooks.settings.BeansSupport;
import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;
import org.apache.camel.Expression;
import org.apache.camel.spi.IdempotentRepository;

/** The duplicate window: this instance's, and with DUPLICATES_STORE=postgres one for every instance. */
@Configuration
public class DuplicatesBeans extends BeansSupport {

    /** This instance's window, and with DUPLICATES_STORE=postgres the one all instances share. */
    @BindToRegistry
    public DuplicateGuard duplicateGuard() {
        return once("duplicateGuard", () -> {
            Settings settings = settings();
            Budget budget = bean("budget", Budget.class);
            WebhookMetrics metrics = bean("webhookMetrics", WebhookMetrics.class);
            PostgresDeliveryWindow shared = PostgresDeliveryWindow.from(settings,
                    Optional.ofNullable(bean("webhooksDataSource", DataSource.class)), sharedPrefix(), budget.budgetMs(), metrics)
                    .orElse(null);
            return new DuplicateGuard(
                    Duration.ofSeconds(settings.number("duplicates.window-seconds", 1, 86_400)),
                    settings.number("duplicates.capacity", 1, 10_000_000),
                    (int) settings.number("duplicates.max-waiters", 0, 1_000),
                    sharedRepository(settings), shared, budget, settings.text("asr.delivery-id-header"), metrics);
        });
    }

    /** The ASR delivery's key: the caller's delivery id, else a hash of the body. */
    @BindToRegistry
    public Expression asrDuplicateKey() {
        return once("asrDuplicateKey", () -> duplicateGuard().asrKey());
    }

    /** The shared Camel idempotent repository named by duplicates.repository, if any (several instances). */
    private IdempotentRepository sharedRepository(Settings settings) {
        return settings.optional("duplicates.repository").map(name -> settings.check(() -> {
            IdempotentRepository repository = bean(name, IdempotentRepository.class);
            if (repository == null) {
                throw new InvalidSettingException("duplicates.repository names no IdempotentRepository bean: '" + name + "'");
            }
            return repository;
        }, null)).orElse(null);
    }
}
