"""Saving and loading the class-name-to-index mapping next to a run's outputs."""

import json
import os

from keras_vidgan.data.data_error import DataError
from keras_vidgan.utils.atomic_write import write_json_atomically

CLASS_MAPPING_FILE = "classes.json"


def save_class_mapping(path, class_names):
    """Writes `{"classes": [...], "class_to_index": {...}}` as JSON.

    Labels are indices into the sorted sub-folder names; saving them beside
    checkpoints (or shards) lets a later run, or a class-conditional sampler,
    turn indices back into names.

    Args:
        path: a folder (the file is then `classes.json` inside it) or a
            `.json` file path.
        class_names: the class names, in index order.

    Returns:
        The path of the written file.

    Example:

    ```python
    from keras_vidgan.data.class_mapping import load_class_mapping, save_class_mapping

    save_class_mapping("runs/ucf", ["ApplyEyeMakeup", "Archery"])
    print(load_class_mapping("runs/ucf"))  # ['ApplyEyeMakeup', 'Archery']
    ```
    """
    path = str(path)
    if not path.endswith(".json"):
        os.makedirs(path, exist_ok=True)
        path = os.path.join(path, CLASS_MAPPING_FILE)
    names = [str(name) for name in class_names]
    content = {"classes": names, "class_to_index": {name: i for i, name in enumerate(names)}}
    write_json_atomically(path, content)
    return path


def load_class_mapping(path):
    """Reads the class names saved by `save_class_mapping`.

    Args:
        path: a folder holding `classes.json`, or a `.json` file.

    Returns:
        The class names, in index order.

    Raises:
        DataError: the file is missing or not a class mapping.

    Example:

    ```python
    from keras_vidgan.data.class_mapping import load_class_mapping

    names = load_class_mapping("ucf_shards")  # prepare writes classes.json there
    print(names[:2])  # ['ApplyEyeMakeup', 'ApplyLipstick'] for UCF-101
    ```
    """
    path = str(path)
    if not path.endswith(".json"):
        path = os.path.join(path, CLASS_MAPPING_FILE)
    try:
        with open(path) as handle:
            return list(json.load(handle)["classes"])
    except (OSError, ValueError, KeyError) as error:
        raise DataError(f"Cannot read the class mapping {path}: {error}.") from None


def describe_dataset(dataset, class_names, bad_files, num_videos, class_mapping_path=None):
    """Attaches what a reader learned to its dataset, and saves the class mapping if asked.

    Every reader returns its dataset with `class_names`, `bad_files` (the
    `BadFileReport`) and `num_videos`, so callers need not know which reader ran.
    """
    class_names = list(class_names)
    if class_mapping_path and class_names:
        save_class_mapping(class_mapping_path, class_names)
    dataset.class_names = class_names
    dataset.bad_files = bad_files
    dataset.num_videos = num_videos
    return dataset
