package io.github.tiereddelivery.mailets;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/** Placeholder while the DSN mailet is being built: drops mail. */
public class TieredDSNBounce extends GenericMailet {
    @Override
    public void service(Mail mail) throws MessagingException {
        mail.setState(Mail.GHOST);
    }
}
