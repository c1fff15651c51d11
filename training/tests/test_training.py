"""The training code's own tests (run by kernels' TrainingScriptsTest, or: /usr/bin/python3 -m unittest discover training/tests)."""
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

TRAINING = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TRAINING))
from imagine_train import checker, procedural as P  # noqa: E402


class CheckerTest(unittest.TestCase):
    def test_reads_every_attribute_of_two_thousand_rendered_images(self):
        imgs, _, scenes = P.batch(np.random.default_rng(5), 2000, 32)
        score = checker.score(imgs, scenes)
        for attribute in checker.ATTRIBUTES:
            self.assertGreaterEqual(score[attribute], 0.99, attribute)

    def test_a_wrong_object_colour_is_caught(self):
        s = P.Scene("blue", "red", "square", "center")
        img = P.render(P.Scene("blue", "green", "square", "center"), 32)
        self.assertEqual(checker.check(img)["colour"], "green")
        self.assertEqual(checker.check(P.render(s, 32)), s.attributes())


class VocabularyTest(unittest.TestCase):
    def test_unknown_words_are_listed_back(self):
        ids, ignored = P.encode("A red fox on a blue background")
        self.assertEqual(ignored, ["fox"])
        self.assertEqual(ids[0], P.BEGIN)
        self.assertEqual(ids[-1], P.END)

    def test_rendering_is_deterministic_by_seed(self):
        a = P.batch(np.random.default_rng([3, 4]), 4, 32)[0]
        b = P.batch(np.random.default_rng([3, 4]), 4, 32)[0]
        self.assertTrue((a == b).all())


class ResumeTest(unittest.TestCase):
    """Stopping and resuming gives the run it would have been: same weights, EMA and optimiser state."""

    def run_train(self, run, export, steps, resume=False):
        cmd = [sys.executable, str(TRAINING / "train.py"), "--run", str(run), "--export", str(export),
               "--max-steps", str(steps), "--width", "32", "--depth", "1", "--batch", "8", "--threads", "1",
               "--eval-prompts", "4", "--eval-every", "1000"]
        if resume:
            cmd.append("--resume")
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        return out.stdout

    def test_resume_continues_where_the_run_stopped(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            self.run_train(tmp / "whole", tmp / "whole-export", 6)
            self.run_train(tmp / "parts", tmp / "parts-export", 3)
            log = self.run_train(tmp / "parts", tmp / "parts-export", 6, resume=True)
            self.assertIn("resumed", log)
            self.assertIn("at step 3", log)
            whole = torch.load(tmp / "whole/last.pt")
            parts = torch.load(tmp / "parts/last.pt")
            self.assertEqual(whole["step"], 6)
            self.assertEqual(parts["step"], 6)
            for key in ("model", "ema"):
                for name, value in whole[key].items():
                    self.assertTrue(torch.equal(value, parts[key][name]), f"{key} {name}")
            self.assertTrue((tmp / "parts-export/model.json").exists())


if __name__ == "__main__":
    unittest.main()
