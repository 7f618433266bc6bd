# Extra hub configuration of the dl4mir course on Kubernetes (values.yaml: hub.extraConfig).
#
# Every user's pod runs under a user id of its own (10000 + the hub's user id),
# so that nbgrader's exchange on shared storage keeps students apart as on one
# machine: a submission belongs to its author and the graders' group (gid 2000,
# the formgrader's; mirlib.grading.exchange.PrivateSubmit). The pod starts as
# root (singleuser.uid: 0); Jupyter Docker Stacks' start.sh gives the user
# jovyan this id, owns the home folder (CHOWN_HOME) and drops root.
c = get_config()  # noqa: F821 - provided by JupyterHub

FIRST_UID = 10000


def dl4mir_user_ids(spawner):
    spawner.environment.update({"NB_UID": str(FIRST_UID + spawner.user.id), "NB_GID": "100"})


c.KubeSpawner.pre_spawn_hook = dl4mir_user_ids
