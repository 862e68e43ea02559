package org.acme.voicewebhooks.cognigy;

import org.acme.voicewebhooks.webhook.Budget;
import org.acme.voicewebhooks.webhook.BudgetSpentException;
import java.io.IOException;
import java.time.Duration;

import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.util.Timeout;

/**
 * Cuts the connect, pool and read timeouts of each Cognigy request to what is left of its webhook's budget
 * (camel-http has no per-exchange timeouts; the classic client runs the request on the attempt's thread).
 */
public record BudgetTimeouts(Duration connectTimeout, Duration readTimeout, long budgetMs) implements ExecChainHandler {

    @Override
    @SuppressWarnings("deprecation") // a per-request connect timeout is still honoured by the 5.x classic client
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        Long deadline = Budget.threadDeadline();
        if (deadline != null) {
            long remaining = deadline - System.currentTimeMillis();
            if (remaining <= 0) {
                throw new BudgetSpentException(budgetMs);
            }
            RequestConfig base = scope.clientContext.getRequestConfig();
            scope.clientContext.setRequestConfig(RequestConfig.copy(base == null ? RequestConfig.DEFAULT : base)
                    .setConnectTimeout(Timeout.ofMilliseconds(Math.min(connectTimeout.toMillis(), remaining)))
                    .setConnectionRequestTimeout(Timeout.ofMilliseconds(Math.min(connectTimeout.toMillis(), remaining)))
                    .setResponseTimeout(Timeout.ofMilliseconds(Math.min(readTimeout.toMillis(), remaining)))
                    .build());
        }
        return chain.proceed(request, scope);
    }
}
