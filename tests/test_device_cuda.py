"""The GPU tests again, on a real GPU with CuPy: marker ``cuda``, skipped where there is none.

The same test functions that run on the strict fake (tests/test_fake_device_ops.py,
tests/test_device_nn.py, tests/test_device.py) run here with CuPy installed as the
'cuda' array module, so what the fake claims about CuPy is checked against CuPy
itself (``test_the_fake_refuses_what_cupy_refuses``). Run them alone with
``pytest -m cuda``; they need ``pip install 'gradschool[cuda]'`` and an NVIDIA GPU.
"""

from __future__ import annotations

import pytest

import autograd as ag
from autograd import backend


def _real_gpu_available() -> bool:
    previous = backend.set_cuda_module(None)  # ask CuPy itself, not a fake
    try:
        return ag.cuda.is_available()
    finally:
        backend.set_cuda_module(*previous)


pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not _real_gpu_available(),
                       reason="needs CuPy (pip install 'gradschool[cuda]') and a CUDA GPU; "
                              "this machine has neither or not both"),
]


@pytest.fixture(autouse=True)
def gpu():
    """Real CuPy as the 'cuda' array module (whatever a test before us installed)."""
    previous = backend.set_cuda_module(None)
    module = backend.cuda_module()
    yield module
    backend.set_cuda_module(*previous)


def test_cupy_is_what_runs() -> None:
    import cupy

    x = ag.ones(3, device="cuda")
    assert type(x._array) is cupy.ndarray and x.device == ag.device("cuda:0")
    assert ag.cuda.device_count() == cupy.cuda.runtime.getDeviceCount() >= 1


# The same checks the fake runs (imported: pytest collects them here too, with CuPy).
from test_device import (  # noqa: E402,F401
    test_every_constructor_takes_device,
    test_gradients_flow_back_across_devices,
    test_like_constructors_can_move_too,
    test_mixing_devices_in_linear_and_losses,
    test_mixing_devices_names_both,
    test_moving_copies_so_the_two_copies_are_independent,
    test_numpy_of_a_gpu_tensor_says_call_cpu_first,
    test_optimizer_state_lives_on_the_parameters_device,
    test_save_gpu_tensors_and_load_them_back_on_the_gpu_or_the_cpu,
    test_second_derivative_across_devices,
    test_tensor_from_a_gpu_tensor_stays_on_the_gpu_and_copies,
    test_the_fake_refuses_what_cupy_refuses,
    test_to_cuda_and_back_keeps_values_dtype_and_requires_grad,
)
from test_device_nn import (  # noqa: E402,F401
    test_a_bad_target_on_the_gpu_raises_at_the_next_read,
    test_a_dataset_kept_on_the_gpu_gives_gpu_batches,
    test_a_training_step_on_the_gpu_never_waits_for_it,
    test_activation_table_on_the_gpu,
    test_checkpoint_a_gpu_model_and_load_it_on_the_cpu,
    test_cross_entropy_with_ignored_targets_on_the_gpu_is_fused_and_twice_differentiable,
    test_dropout_and_one_hot_on_the_gpu,
    test_gpu_checks_wait_in_a_bounded_queue,
    test_layers_made_on_the_gpu,
    test_layers_on_the_gpu_equal_the_cpu,
    test_losses_on_the_gpu_equal_the_cpu,
    test_module_to_cuda_moves_parameters_in_place,
    test_out_of_range_indices_on_the_gpu_raise_at_the_next_read,
    test_prod_backward_on_the_gpu_does_not_wait_for_it,
    test_the_readme_training_loop_runs_on_the_gpu,
    test_training_on_the_gpu_follows_the_cpu,
)
from test_device_normalization import (  # noqa: E402,F401
    test_a_training_step_with_norm_layers_never_waits_for_the_gpu,
    test_batch_norm_gradcheck_on_the_gpu,
    test_channel_dropout_on_the_gpu_draws_the_cpu_mask,
    test_embedding_lookup_and_backward_never_wait_for_the_gpu,
    test_embedding_on_the_gpu_equals_the_cpu,
    test_norm_layers_on_the_gpu_equal_the_cpu,
    test_out_of_range_embedding_index_on_the_gpu_raises_at_the_next_read,
)
from test_device_rnn import (  # noqa: E402,F401
    test_cells_on_the_gpu_match_the_cpu,
    test_layers_on_the_gpu_match_the_cpu,
)
from test_fake_device_ops import (  # noqa: E402,F401
    test_autograd_grad_and_retain_grad_on_gpu,
    test_boolean_mask_and_slices_on_gpu,
    test_comparisons_and_logic_on_gpu,
    test_deep_chain_and_reused_node_on_gpu,
    test_dtype_casts_on_gpu,
    test_erf_is_the_backends_on_either_device,
    test_gpu_forward_and_gradients_equal_cpu,
    test_gradcheck_on_gpu,
    test_in_place_on_non_leaf_rebases_on_gpu,
    test_in_place_updates_on_gpu,
    test_indexing_with_repeated_indices_scatters_on_gpu,
    test_python_scalars_and_numpy_scalars_with_gpu_tensors,
    test_random_numbers_are_the_same_on_cpu_and_gpu,
    test_reductions_give_gpu_scalars_and_item_copies_to_host,
    test_second_derivatives_on_gpu,
    test_user_defined_function_on_gpu,
)
