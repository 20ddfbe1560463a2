package io.github.tiereddelivery.routes;

import java.util.OptionalInt;

/** Parsing of the whole numbers written in the routes file (ports, preferences, weights). */
final class WholeNumbers {
    /** Longest digit string parsed; more digits cannot be in any range used here. */
    private static final int MAX_DIGITS = 6;

    private WholeNumbers() {
    }

    /** The number {@code text} spells in decimal digits, if it lies in {@code min..max}; empty otherwise. */
    static OptionalInt parse(String text, int min, int max) {
        String digits = text.strip();
        if (digits.isEmpty() || digits.length() > MAX_DIGITS || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalInt.empty();
        }
        int value = Integer.parseInt(digits);
        return value >= min && value <= max ? OptionalInt.of(value) : OptionalInt.empty();
    }
}
