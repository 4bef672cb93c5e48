package io.embedmerge.web;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.FilterChain;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class ReadConcurrencyFilterTest {

    private static MockHttpServletRequest get(String uri) {
        return new MockHttpServletRequest("GET", uri);
    }

    /** A chain that counts the requests inside it at once and blocks until released. */
    private static final class BlockingChain {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger mostInside = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> order = new CopyOnWriteArrayList<>();

        FilterChain chain() {
            return (request, response) -> {
                mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                order.add(((MockHttpServletRequest) request).getRequestURI());
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    inside.decrementAndGet();
                }
            };
        }
    }

    @Test
    void shortReadsBeyondThePermitsWaitAndAreServedOnceATurnIsFree() throws Exception {
        ReadConcurrencyFilter filter =
                new ReadConcurrencyFilter(new ReadConcurrencyProperties(2, Duration.ofSeconds(10)));
        BlockingChain blocking = new BlockingChain();
        serve(filter, blocking, jobGets(6), 2, () -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThat(blocking.inside.get()).as("two turns, four waiting").isEqualTo(2);
        });
        assertThat(blocking.mostInside.get()).isEqualTo(2);
        assertThat(blocking.order).hasSize(6);
    }

    @Test
    void longPollsEventStreamsWritesAndHealthProbesAreNeverQueued() throws Exception {
        ReadConcurrencyFilter filter =
                new ReadConcurrencyFilter(new ReadConcurrencyProperties(1, Duration.ofSeconds(10)));
        BlockingChain blocking = new BlockingChain();
        MockHttpServletRequest waiting = get("/v1/jobs/a");
        waiting.setParameter("wait", "30s");
        MockHttpServletRequest stream = get("/v1/jobs/a/events");
        stream.addHeader("Accept", "text/event-stream");
        MockHttpServletRequest submit = new MockHttpServletRequest("POST", "/v1/jobs");
        MockHttpServletRequest probe = get("/actuator/health/liveness");
        serve(filter, blocking, List.of(get("/v1/jobs/b"), waiting, stream, submit, probe), 5, () -> {});
        assertThat(blocking.mostInside.get())
                .as("one queued read and four that bypass the queue")
                .isEqualTo(5);
    }

    @Test
    void aReadThatWaitedTheLimitIsServedWithoutATurn() throws Exception {
        ReadConcurrencyFilter filter =
                new ReadConcurrencyFilter(new ReadConcurrencyProperties(1, Duration.ofMillis(100)));
        BlockingChain blocking = new BlockingChain();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> holder = pool.submit(() -> {
                filter.doFilter(get("/v1/jobs/slow"), new MockHttpServletResponse(), blocking.chain());
                return null;
            });
            waitUntil(() -> blocking.inside.get() == 1);
            Future<?> second = pool.submit(() -> {
                filter.doFilter(get("/v1/jobs/next"), new MockHttpServletResponse(), blocking.chain());
                return null;
            });
            waitUntil(() -> blocking.inside.get() == 2);
            blocking.release.countDown();
            holder.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
        }
        assertThat(blocking.order).containsExactly("/v1/jobs/slow", "/v1/jobs/next");
    }

    @Test
    void aNegativeLimitTurnsTheQueueOff() throws Exception {
        ReadConcurrencyFilter filter =
                new ReadConcurrencyFilter(new ReadConcurrencyProperties(-1, Duration.ofSeconds(10)));
        BlockingChain blocking = new BlockingChain();
        serve(filter, blocking, jobGets(5), 5, () -> {});
        assertThat(blocking.mostInside.get()).isEqualTo(5);
    }

    /**
     * Sends every request through the filter on virtual threads, waits until {@code inside} of them are in the chain
     * at once and {@code check} holds, then releases the chain and waits for all.
     */
    private static void serve(
            ReadConcurrencyFilter filter,
            BlockingChain blocking,
            List<MockHttpServletRequest> requests,
            int inside,
            Runnable check)
            throws Exception {
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new java.util.ArrayList<>();
            for (MockHttpServletRequest request : requests) {
                done.add(pool.submit(() -> {
                    filter.doFilter(request, new MockHttpServletResponse(), blocking.chain());
                    return null;
                }));
            }
            waitUntil(() -> blocking.inside.get() == inside);
            check.run();
            blocking.release.countDown();
            for (Future<?> f : done) {
                f.get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static List<MockHttpServletRequest> jobGets(int n) {
        return java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> get("/v1/jobs/" + i))
                .toList();
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached in 10 s");
            }
            Thread.sleep(5);
        }
    }
}
