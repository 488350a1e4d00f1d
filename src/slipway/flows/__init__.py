"""The pipelines, each a graph of steps on the one runner: build, build-and-propose, plan, promote."""
