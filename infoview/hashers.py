"""Password hashing: Argon2id at the costs OWASP recommends, upgraded at log-in.

Django's Argon2 defaults (100 MiB, 2 passes, 8 lanes) cost about 170 ms of CPU per log-in on a
two-core server, so a handful of people logging in at once stalls every other page. OWASP's
Password Storage Cheat Sheet lists equivalent Argon2id settings; this is its 46 MiB, one pass,
one lane option: still memory-hard, about 45 ms of CPU. Hashes made with other costs are
rehashed with these the next time their owner logs in (Django's ``must_update``).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 47104  # KiB: 46 MiB
    parallelism = 1
