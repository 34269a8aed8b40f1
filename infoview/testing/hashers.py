from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with tiny costs, for tests only: the same format, a fraction of the time.

    Production hashes cost ~100 MB and tens of milliseconds each; the suite makes thousands.
    """

    time_cost = 1
    memory_cost = 64
    parallelism = 1
