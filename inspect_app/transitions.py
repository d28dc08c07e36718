"""State changes that hold when the same request arrives twice at once: claim the row first.

A service's transaction starts by claiming the row it changes: a conditional UPDATE that
matches only while the row is still in one of the states the change starts from. On
PostgreSQL (READ COMMITTED) a second request's UPDATE waits for the first one's row lock
and then re-checks its WHERE on the committed row, so it finds the state already changed
and matches nothing; on SQLite, BEGIN IMMEDIATE makes the writers take turns. A SELECT
followed by an UPDATE would let both requests see the old state and both go on. A SELECT
... FOR UPDATE would lock the row before the data-version counter that every UPDATE's
trigger locks first (migration 0007): two requests could then wait on each other.
"""
from .errors import WorkflowError


def claim(state, row_id, allowed, message):
    """The row, locked until the transaction ends and read afresh, if state is one of allowed.

    state is the model's state field (Finding.status, Response.review). Otherwise refuses
    with message, so the caller's transaction rolls back with nothing written. Call it
    first inside the transaction: checks on the row it returns hold until the commit.
    """
    model = state.model
    # Writing the state back unchanged takes the row lock without changing its values.
    claimed = (model
               .update({state: state})
               .where(model.id == row_id, state.in_(allowed))
               .execute())
    if claimed != 1:
        raise WorkflowError(message)
    return model.get_by_id(row_id)
