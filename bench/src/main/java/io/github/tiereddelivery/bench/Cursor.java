package io.github.tiereddelivery.bench;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Walks the fixture's recipients, a different one at each call, per benchmark thread. */
@State(Scope.Thread)
public class Cursor {
    private int position;

    int next() {
        return position++ & RoutesFixture.MASK;
    }
}
