"""The lessons' explorers and chapter figures, one module per chapter (no math here).

====  ============================  ==========================================
ch.   module                        math it draws
====  ============================  ==========================================
01    ``gradient_descent``          ``landscapes``, ``data``
02    ``backprop``                  ``manual_backprop``, ``backprop``, ``nn``
03    ``universal_approximation``   ``approximation``
04    ``maximum_likelihood``        ``likelihood``
05    ``capacity``                  ``capacity``
06    ``sgd_convergence``           ``sgd_theory``, ``schedules``
07    ``momentum``                  ``momentum``, ``landscapes``
08    ``adaptive``                  ``adaptive``, ``optim``
09    ``adam``                      ``moments``
10    ``schedules``                 ``schedules``, ``sgd_theory``
11    ``second_order``              ``second_order``, ``landscapes``
12    ``dropout``                   ``nn``, ``moments``, ``train``
13    ``double_descent``            ``random_features``
====  ============================  ==========================================

A lesson imports its chapter's module, e.g.
``from coursekit.explorers import momentum as figures``. Drawing primitives
shared by several chapters are in :mod:`coursekit.plots`; the mechanism
(live sliders and kernel-free frames) is :mod:`coursekit.explorer`.
"""
