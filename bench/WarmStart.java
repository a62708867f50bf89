// Times berth's library path in a warm JVM: plan, shim, running process, exit, delete, as the
// daemon will drive it. Usage: java -cp <berth-runtime classpath> WarmStart.java BUNDLE ROOT RUNS
import dev.berth.runtime.container.Create;
import dev.berth.runtime.container.Delete;
import dev.berth.runtime.container.Run;
import dev.berth.runtime.container.RuntimeContext;
import java.nio.file.Path;
import java.util.Arrays;

void main(String[] args) throws Exception {
    Path bundle = Path.of(args[0]);
    RuntimeContext ctx = RuntimeContext.of(Path.of(args[1]));
    int runs = Integer.parseInt(args[2]);
    int warmup = 20;
    long[] ns = new long[runs];
    for (int i = 0; i < warmup + runs; i++) {
        String id = "warm-" + i;
        long t0 = System.nanoTime();
        int code = new Run(ctx).run(new Create.Options(id, bundle, null, null, false, 0, true, false, false), false);
        long t1 = System.nanoTime();
        if (code != 0) {
            throw new IllegalStateException("run exited " + code);
        }
        if (i >= warmup) {
            ns[i - warmup] = t1 - t0;
        }
    }
    Arrays.sort(ns);
    System.out.printf("berth library (warm) median %.1f ms (min %.1f, max %.1f)%n",
            ns[runs / 2] / 1e6, ns[0] / 1e6, ns[runs - 1] / 1e6);
}
