r"""Optimizers, shaped like ``torch.optim``: SGD, Adagrad, RMSprop, Adam, AdamW, L-BFGS.

One module per algorithm, each with its algorithm box in its docstring::

    optimizer.py   Optimizer: the base (param_groups, state, step, zero_grad,
                   state_dict) and the argument checks the others share
    sgd.py         SGD (momentum, dampening, Nesterov, weight decay)
    adagrad.py     Adagrad
    rmsprop.py     RMSprop (momentum, centered)
    adam.py        Adam, AdamW
    lbfgs.py       LBFGS, its strong-Wolfe line search, the two-loop recursion
    textbook.py    the lectures' forms as functions: heavy_ball,
                   nesterov_lookahead, with_l2

Newton's method and the chapter-11 line searches are in
:mod:`coursekit.second_order`, which builds on this package (never the reverse).

The classes take ``torch.optim``'s names, argument names and defaults, and fed
the same gradients they produce torch's iterates (to float64 round-off). They
update float numpy arrays *in place*::

    >>> import numpy as np
    >>> from coursekit import optim
    >>> x = np.array([-1.2, 1.0])
    >>> opt = optim.Adam([x], lr=1e-2)
    >>> opt.step([2 * x])            # one gradient per parameter, same shapes
    >>> x                            # every coordinate moved by lr on the first step
    array([-1.19,  0.99])

They also accept any object with a ``.data`` array and a ``.grad`` array (a
coursekit ``Tensor``): ``opt.step()`` with no argument then reads each ``.grad``
and updates each ``.data``, and ``opt.zero_grad()`` clears the gradients::

    opt = optim.Adam(model.parameters(), lr=1e-3)
    loss.backward(); opt.step(); opt.zero_grad()

Notation (that of the algorithm boxes of many lecture courses; ``book/notation.md``
maps it to the book's :math:`\eta, \mu, m_t, v_t`): parameters :math:`\theta`, gradient :math:`g`,
learning rate :math:`\alpha` (torch's ``lr``), momentum :math:`\beta`, weight
decay :math:`\lambda`, step count :math:`t`. All operations on vectors are
element-wise. Each update rule is written one equation per line with the
equation in a comment beside it, like an algorithm box.

Where torch (and therefore coursekit) differs from a paper or a common textbook form:

* **SGD momentum** keeps :math:`b \leftarrow \beta b + g`,
  :math:`\theta \leftarrow \theta - \alpha b` and starts with :math:`b_1 = g_1`
  (no dampening on the first step). The velocity form
  :math:`v \leftarrow \beta v - \alpha g,\ \theta \leftarrow \theta + v` is the
  same iteration when :math:`\alpha` is constant (:math:`v = -\alpha b`); see
  :func:`heavy_ball`.
* **Nesterov** in torch evaluates the gradient at the stored parameters and
  steps by :math:`g + \beta b`; the stored parameters are the
  look-ahead points :math:`\theta + \beta v`; see :func:`nesterov_lookahead`.
* **AdaGrad and RMSProp** put :math:`\varepsilon` *outside* the root,
  :math:`g/(\sqrt{r} + \varepsilon)`; some sources write :math:`\sqrt{r + \varepsilon}`.
* **Adam** also adds :math:`\varepsilon` outside the root of :math:`\hat r`
  (Kingma & Ba), starts from :math:`s_0 = r_0 = 0`, and its ``weight_decay`` is
  an L2 term added to the gradient; **AdamW** decays the weights directly
  (decoupled), which is *not* the same for Adam; see :func:`with_l2`.
"""

from .adagrad import Adagrad
from .adam import Adam, AdamW
from .lbfgs import LBFGS, strong_wolfe, two_loop
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD
from .textbook import heavy_ball, nesterov_lookahead, with_l2

__all__ = [
    "Optimizer",
    "SGD",
    "Adagrad",
    "RMSprop",
    "Adam",
    "AdamW",
    "LBFGS",
    "strong_wolfe",
    "two_loop",
    "heavy_ball",
    "nesterov_lookahead",
    "with_l2",
]
