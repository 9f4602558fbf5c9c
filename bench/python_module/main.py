from bench_modules.module import BenchModule

from bench_modules.trigger_idle import Idle
from bench_modules.trigger_burst import Burst
from bench_modules.connector_flood import Flood
from bench_modules.connector_pull import Pull
from bench_modules.action_noop import Noop


if __name__ == "__main__":
    module = BenchModule()
    module.register(Idle, "Idle")
    module.register(Burst, "Burst")
    module.register(Flood, "Flood")
    module.register(Pull, "Pull")
    module.register(Noop, "Noop")
    module.run()
