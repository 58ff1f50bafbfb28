"""The adapter SDK: declaration, translation and transport hooks, one error tree, discovery."""
