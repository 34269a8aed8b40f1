"""Password hashing: Argon2id at the costs OWASP recommends, upgraded at log-in.

Django's Argon2 defaults (100 MiB, 2 passes, 8 lanes) cost about 170 ms of CPU per log-in on a
two-core server, so a handful of people logging in at once stalls every other page. OWASP's
Password Storage Cheat Sheet lists five Argon2id settings it holds equivalent in defence; this is
the first it lists, 19 MiB, two passes, one lane. Measured here (argon2-cffi, one core, best of
three runs of ten hashes), the five cost 53 ms (46 MiB, one pass), 27 ms (19 MiB, two), 24 ms
(12 MiB, three), 24 ms (9 MiB, four) and 22 ms (7 MiB, five): touching fresh memory is most of
the price of the 46 MiB option. 19 MiB keeps the most memory-hardness of the cheap ones and holds
a worker to 19 MiB a log-in. Hashes made with other costs are rehashed with these the next time
their owner logs in (Django's ``must_update``).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19456  # KiB: 19 MiB
    parallelism = 1
