"""Background work of the registry, through the django.tasks API."""

from django_tasks import task


@task()
def find_duplicates(run_id: int):
    from .dedup.batch import run

    return run(run_id).found
