package io.github.tiereddelivery.mailets;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/** Placeholder while the delivery engine is being built: accepts and drops mail. */
public class TieredRemoteDelivery extends GenericMailet {
    @Override
    public void service(Mail mail) throws MessagingException {
        mail.setState(Mail.GHOST);
    }
}
