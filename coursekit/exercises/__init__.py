"""The checkers of the book's code exercises, one module per chapter.

In a lesson::

    from coursekit import exercises
    exercises.check_adam_step(adam_step)   # prints one verdict

Each ``check_*`` is a :class:`~coursekit.exercises.checker.Checker`: it runs
the reader's function on seeded cases against coursekit's reference and
prints a tick, or the first failing case and, when the output is that of a
known wrong version, the misconception by name and the equation to reread.
"""

from .checker import Case, Checker, Misconception, Verdict

# One line per chapter module, in chapter order:
# isort: off
from .gradient_descent import check_gd, check_mse_grad
from .backprop import check_mlp_grads, check_softmax_ce_grad
from .approximation import check_relu_interpolant, check_staircase
from .likelihood import check_bce_logits, check_gaussian_nll
from .capacity import check_early_stopping, check_ridge
from .sgd import check_minibatch_variance, check_sgd_epoch
from .momentum import check_heavy_ball, check_nesterov
from .adaptive import check_adagrad, check_rmsprop
from .adam import check_adam_step, check_adamw_step
from .schedules import check_multistep, check_warmup_cosine
from .second_order import check_backtrack, check_two_loop
from .dropout import check_dropout_backward, check_dropout_forward
from .double_descent import check_emc, check_min_norm_fit
