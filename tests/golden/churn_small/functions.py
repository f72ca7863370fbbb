"""Functions and classes defined in the notebook, moved here by nbrefactor 0.1.0."""


def ratio(a, b):
    return a / b
