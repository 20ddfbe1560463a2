package io.github.tiereddelivery.bench;

import java.util.Locale;

import org.openjdk.jol.info.GraphLayout;

import io.github.tiereddelivery.routes.RouteTable;

/**
 * Memory per route: the retained size of a 100 000-route table as parsed from a routes file, by JOL (every object
 * reachable from the table, counted once) and by the heap's growth around building it (after GC).
 *
 * <pre>java -cp bench/target/benchmarks.jar io.github.tiereddelivery.bench.RouteTableMemory [routes]</pre>
 */
public final class RouteTableMemory {
    private RouteTableMemory() {
    }

    public static void main(String[] args) throws InterruptedException {
        // JOL cannot ask Unsafe for the field offsets of records (JDK 17) without this.
        System.setProperty("jol.magicFieldOffset", "true");
        int routes = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        long before = usedHeapAfterGc();
        RouteTable table = RoutesFixture.of(routes).table();
        long after = usedHeapAfterGc();
        long retained = GraphLayout.parseInstance(table).totalSize();
        System.out.printf(Locale.ROOT, "%d routes: retained %,d bytes = %d bytes per route (JOL); heap grew %,d bytes"
            + " = %d bytes per route%n", table.routes().size(), retained, retained / routes, after - before,
            (after - before) / routes);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }
}
