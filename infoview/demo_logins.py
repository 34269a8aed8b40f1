"""The published demo logins: shared by `seed_demo` and the banner of `make run`.

Plain data, importable before Django is set up.
"""

DEMO_PASSWORD = "infoview-demo"  # noqa: S105 - published demo logins, local data only

# key: (email, name, time zone, what the login shows in the banner)
DEMO_PEOPLE = {
    "candidate": ("priya@demo.infoview.test", "Priya Shah", "Europe/London", "Candidate"),
    "admin": ("alex@demo.infoview.test", "Alex Morgan", "Europe/London", "Team admin"),
    "recruiter1": ("sam@demo.infoview.test", "Sam Okafor", "Europe/London", "Recruiter"),
    "recruiter2": ("jordan@demo.infoview.test", "Jordan Reyes", "America/New_York", "Recruiter"),
}
