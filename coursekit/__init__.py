"""coursekit: the code behind *Training Neural Networks*.

Three kinds of code; the math (numpy at its core) never imports matplotlib or
ipywidgets, and no module imports one that imports it back.

The library a network is trained with::

    optim/          the optimizers, shaped like torch.optim: optimizer.py (the base,
                    param_groups, argument checks), sgd, adagrad, rmsprop, adam (Adam,
                    AdamW), lbfgs (L-BFGS, its line search), textbook (the lectures'
                    velocity forms); ``optim.SGD`` etc.
    schedules       learning-rate schedules (torch.optim.lr_scheduler's and the lectures')
                    schedule_base (Schedule, set_lr, argument checks) and
                    schedules_cyclic (warm restarts, one-cycle) behind it
    backprop/       reverse-mode autodiff: tensor.py (Tensor and its operations),
                    gradient_check.py (finite differences), tracing.py (node by node)
    nn              layers, networks, losses, dropout
    data            data sets, splits and minibatches
    train           the training loop
    ensembles       many small MLPs trained at once (seeds x rates in one array)
    landscapes      test functions (quadratics, Rosenbrock, ...) and gradient descent on them
    second_order    Newton's method, line searches, BFGS, L-BFGS on a landscape
    stats           comparing runs and seeds

The analysis a chapter needs, one module per idea: ``manual_backprop``,
``approximation``, ``likelihood``, ``capacity``, ``sgd_theory``, ``momentum``,
``adaptive``, ``moments``, ``random_features``.

The presentation: ``plots`` (drawing primitives shared by chapters),
``explorer`` (the Explorer mechanism: live sliders and kernel-free frames) and
``explorers/`` (one module per chapter: its figures and its explorer).
The code exercises' checkers are in ``exercises/``.

Chapter by chapter (the math modules a lesson uses, and its ``explorers/`` module)::

    ch  chapter                                        math                            explorers/
    01  Gradient descent                               landscapes, data                gradient_descent
    02  Backpropagation                                backprop, manual_backprop, nn   backprop
    03  Universal approximation                        approximation, nn, optim        universal_approximation
    04  Maximum likelihood                             likelihood, data                maximum_likelihood
    05  Capacity, overfitting and regularization       capacity, nn, optim, train      capacity
    06  Stochastic gradient descent: why it converges  sgd_theory, schedules, optim    sgd_convergence
    07  Momentum and Nesterov's accelerated gradient   momentum, optim, landscapes     momentum
    08  Adaptive step sizes: AdaGrad and RMSProp       adaptive, optim, train, stats   adaptive
    09  Adam and its bias correction                   moments, optim                  adam
    10  Learning-rate schedules                        schedules, sgd_theory, ensembles schedules
    11  Newton's method and L-BFGS                     second_order, optim             second_order
    12  Dropout                                        nn, moments, train              dropout
    13  Double descent                                 random_features                 double_descent

Lesson 7 uses ``optim/sgd.py`` and ``optim/textbook.py``, lesson 8
``optim/adagrad.py`` and ``optim/rmsprop.py``, lesson 9 ``optim/adam.py``,
lesson 11 ``optim/lbfgs.py``.
"""

__version__ = "0.1.0"
