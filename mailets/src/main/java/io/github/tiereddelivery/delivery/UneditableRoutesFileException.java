package io.github.tiereddelivery.delivery;

import java.nio.file.Path;
import java.util.List;

import io.github.tiereddelivery.routes.InvalidRoutesException;

/**
 * The routes file on disk was refused (invalid, or deleted while its routes are in force), so it is not edited
 * (WebAdmin's writes) until someone fixes it.
 */
public class UneditableRoutesFileException extends InvalidRoutesException {
    private static final long serialVersionUID = 1L;

    public UneditableRoutesFileException(Path file, List<String> problems) {
        super(file.toString(), problems);
    }
}
