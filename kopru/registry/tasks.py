"""Background work of the registry, through the django.tasks API."""

from django_tasks import task


@task()
def find_duplicates(run_id: int):
    from .dedup.batch import run

    return run(run_id).found


@task()
def check_import(batch_id: int):
    from .imports import run_check

    return run_check(batch_id)


@task()
def commit_import(batch_id: int, actor_id: int, skip: list[int]):
    from .imports import run_commit

    return run_commit(batch_id, actor_id, skip)
