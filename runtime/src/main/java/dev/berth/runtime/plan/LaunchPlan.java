package dev.berth.runtime.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What {@code berth-shim} must do to start one process, in order: the steps before
 * {@link Step.Clone} run in the shim, the rest in the new process. A plan is built by
 * {@link SpecPlanner} (or the exec planner), encoded by {@link PlanEncoder} and is the only thing
 * the shim knows about the container.
 */
public record LaunchPlan(List<Step> steps) {
    public LaunchPlan {
        steps = List.copyOf(steps);
    }

    /** The description of step {@code index}, for turning a shim error into a message. */
    public String describe(int index) {
        return index >= 0 && index < steps.size() ? steps.get(index).description() : "launch";
    }

    /** Collects steps in order. */
    public static final class Builder {
        private final List<Step> steps = new ArrayList<>();

        public Builder add(Step step) {
            steps.add(step);
            return this;
        }

        public List<Step> steps() {
            return Collections.unmodifiableList(steps);
        }

        public LaunchPlan build() {
            return new LaunchPlan(steps);
        }
    }
}
