package io.github.tiereddelivery.webadmin;

import javax.inject.Inject;

import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import spark.Request;
import spark.Service;

/**
 * Works around a James 3.8.1 WebAdmin bug that loses mail: {@code GET /mailQueues/{name}/mails} takes one reference on
 * the queue and gives back two (its {@code listMails} closes the queue in a try-with-resources and again in a
 * {@code finally}). James' memory queue counts references and, at 0, stops its consumer and drops every mail it holds:
 * one listing of the outgoing queue stops the delivery of TieredRemoteDelivery (and of stock RemoteDelivery) and
 * loses the mail waiting for a retry. Before each such listing this takes one reference, never given back, so the
 * listing leaves the count as it found it. Queues that do not count references (ActiveMQ's, whose close does nothing)
 * are not affected.
 *
 * <p>Installed by {@link DeliveryRoutesRoutes}, James' WebAdmin extension routes: James defines them after its own, so
 * this filter runs after James' authentication filter of {@code /mailQueues}, and a request refused there never
 * reaches it. (A route bound from the extension's Guice module would be in force without {@code extensions.routes},
 * but James combines extension modules outside the override of its own, and Guice refuses the second binding of the
 * set of routes.)
 */
public class MailQueueListingGuard {
    static final String LISTING_PATH = "/mailQueues/:mailQueueName/mails";
    private static final Logger LOGGER = LoggerFactory.getLogger(MailQueueListingGuard.class);

    private final MailQueueFactory<?> queues;

    @Inject
    public MailQueueListingGuard(MailQueueFactory<?> queues) {
        this.queues = queues;
    }

    public void install(Service service) {
        service.before(LISTING_PATH, (request, response) -> {
            if ("GET".equals(request.requestMethod())) {
                referenceForTheListing(request);
            }
        });
    }

    private void referenceForTheListing(Request request) {
        try {
            // The Optional is dropped on purpose: closing it would give the reference back.
            queues.getQueue(MailQueueName.of(request.params("mailQueueName")));
        } catch (RuntimeException e) {
            // A name WebAdmin refuses: its own handler answers; the worst case here is one reference too many, harmless.
            LOGGER.debug("No reference taken for the listing of queue {}", request.params("mailQueueName"), e);
        }
    }
}
