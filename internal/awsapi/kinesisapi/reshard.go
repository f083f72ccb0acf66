package kinesisapi

import (
	"context"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/stream"
)

func (a *api) splitShard(ctx context.Context, call *awsapi.Call) (any, error) {
	var in SplitShardInput
	err := decode(call, &in, func(v *violations) {
		v.target(in.target)
		v.shardID(in.ShardToSplit, "shardToSplit")
		if in.NewStartingHashKey == "" {
			v.add(nil, "newStartingHashKey", mustNotBeNull)
		} else if !hashRE.MatchString(in.NewStartingHashKey) {
			v.add(in.NewStartingHashKey, "newStartingHashKey", pattern(hashPattern))
		}
	})
	if err != nil {
		return nil, err
	}
	name, err := a.reshardTarget(ctx, "kinesis:SplitShard", in.target)
	if err != nil {
		return nil, err
	}
	return empty{}, a.svc.SplitShard(ctx, name, in.ShardToSplit, in.NewStartingHashKey)
}

func (a *api) mergeShards(ctx context.Context, call *awsapi.Call) (any, error) {
	var in MergeShardsInput
	err := decode(call, &in, func(v *violations) {
		v.target(in.target)
		v.shardID(in.ShardToMerge, "shardToMerge")
		v.shardID(in.AdjacentShardToMerge, "adjacentShardToMerge")
	})
	if err != nil {
		return nil, err
	}
	name, err := a.reshardTarget(ctx, "kinesis:MergeShards", in.target)
	if err != nil {
		return nil, err
	}
	return empty{}, a.svc.MergeShards(ctx, name, in.ShardToMerge, in.AdjacentShardToMerge)
}

func (a *api) updateShardCount(ctx context.Context, call *awsapi.Call) (any, error) {
	var in UpdateShardCountInput
	err := decode(call, &in, func(v *violations) {
		v.target(in.target)
		if in.TargetShardCount == nil {
			v.add(nil, "targetShardCount", mustNotBeNull)
		}
		v.intRange(in.TargetShardCount, "targetShardCount", 1, 1<<31-1)
		switch in.ScalingType {
		case "":
			v.add(nil, "scalingType", mustNotBeNull)
		case stream.UniformScaling:
		default:
			v.add(in.ScalingType, "scalingType", "Member must satisfy enum value set: [UNIFORM_SCALING]")
		}
	})
	if err != nil {
		return nil, err
	}
	name, err := a.reshardTarget(ctx, "kinesis:UpdateShardCount", in.target)
	if err != nil {
		return nil, err
	}
	current, err := a.svc.UpdateShardCount(ctx, name, int(*in.TargetShardCount))
	if err != nil {
		return nil, err
	}
	return &UpdateShardCountOutput{CurrentShardCount: int32(current), TargetShardCount: *in.TargetShardCount, StreamName: name, StreamARN: a.svc.ARN(name)}, nil
}

func (a *api) reshardTarget(ctx context.Context, action string, t target) (string, error) {
	if err := checkCommon(t, nil); err != nil {
		return "", err
	}
	return a.resolveFor(ctx, action, t)
}

// shardID checks a required shard id member.
func (v *violations) shardID(id, field string) {
	if id == "" {
		v.add(nil, field, mustNotBeNull)
		return
	}
	v.str(id, field, 1, 128, nameRE, namePattern)
}
