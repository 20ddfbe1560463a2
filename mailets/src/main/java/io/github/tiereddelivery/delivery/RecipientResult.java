package io.github.tiereddelivery.delivery;

import io.github.tiereddelivery.dsn.RecipientStatus;

/** One recipient's verdict from one server, with the status a DSN would report. */
public record RecipientResult(Verdict verdict, RecipientStatus status) {
}
