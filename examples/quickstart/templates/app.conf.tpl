# Rendered by Baton for the ${environment} environment.
environment = ${environment}
database    = ${database}
balancer    = ${balancer}
workers     = ${workers}
