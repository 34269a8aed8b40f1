from inbound import webhooks

app_name = "inbound_webhooks"

# /inbound/<provider>/inbound/ for each provider anymail knows (mailgun, postmark, sendgrid,
# amazon_ses, brevo, mailjet, ...): the address to give the provider, with basic auth.
urlpatterns = webhooks.urlpatterns()
