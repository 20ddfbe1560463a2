package io.github.tiereddelivery.delivery;

import java.nio.file.Path;
import java.util.List;

import io.github.tiereddelivery.routes.InvalidRoutesException;

/** The routes file on disk is invalid, so it is not edited (WebAdmin's writes) until someone fixes it. */
public class UneditableRoutesFileException extends InvalidRoutesException {
    private static final long serialVersionUID = 1L;

    public UneditableRoutesFileException(Path file, List<String> problems) {
        super(file.toString(), problems);
    }
}
